#!/usr/bin/env node
import { main } from '../dist/cli/index.js';

main(process.argv).then((code) => {
  process.exitCode = code;
  // A phone that hung (or a scan stopped with Ctrl-C) can leave a socket open
  // that would keep the process alive: once output is flushed, exit.
  process.stdout.write('', () => process.exit(code));
});
