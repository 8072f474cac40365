#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50 --disable-warning=ExperimentalWarning
// The `runfleet` command. The CLI is TypeScript, built into dist/ by the prepare script of `npm install`;
// this file is committed so that it exists when npm links the command, before that build runs (npm skips
// a bin whose file is missing, and `npx runfleet` would then look the name up on the registry).
// The flags keep a busy control plane's memory low (why: src/bin/runfleet.ts).
import "../dist/bin/runfleet.js";
