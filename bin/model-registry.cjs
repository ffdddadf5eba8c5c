#!/usr/bin/env node
// The CLI is TypeScript run by tsx, like the rest of the local tooling (`npm install` brings it).
require('tsx/cjs');
require('../cli/main.ts').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
