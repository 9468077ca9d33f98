// Preloaded (`node --import`) into a command under test: on exit it prints the process's peak
// resident memory, which only the process itself can read once it has ended.
process.on("exit", () => {
  process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
