// Floor for CLI cold start: the least a compiled Bun executable can do.
console.log("hello 0.0.0");
export {};
