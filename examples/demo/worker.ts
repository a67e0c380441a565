// A worker that prints what it is doing every few seconds.
let job = 0;
setInterval(() => console.log(`processed job ${++job}`), 3000);
console.log("worker ready");
