#!/usr/bin/env node
'use strict';
// The `dive` command. The TypeScript sources in lib/ are compiled to dist/ by `npm install`
// (the package's `prepare` script) or `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'lib', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`dive: ${entry} is missing; run 'npm run build' in ${path.join(__dirname, '..')}\n`);
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(`dive: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
