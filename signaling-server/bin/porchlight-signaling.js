#!/usr/bin/env node
// Entry point of the npm bin. The relay itself is built into dist/ by `npm run build`.
import '../dist/cli.js';
