// A service that crashes now and then; Canopy restarts it.
const lifeMs = 4000 + Math.floor(Math.random() * 6000);
console.log(`flaky up; will crash in ${lifeMs}ms`);
setTimeout(() => {
  console.error("flaky: something went wrong, exiting with code 1");
  process.exit(1);
}, lifeMs);
