#!/usr/bin/env node
// Entry point for the `tieout` command: checks the Node version, then runs the TypeScript CLI (Node strips the types).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `tieout needs Node 22.18 or newer (this is ${process.version}). Run it through npm so the project's Node 24 is used: npx tieout ...\n`,
  );
  process.exit(1);
}
// A closed pipe (`tieout export … | head`) ends the command quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
const { runCli } = await import('../src/main/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
