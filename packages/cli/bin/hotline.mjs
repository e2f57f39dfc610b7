#!/usr/bin/env node
// The `hotline` command: a committed, executable entry (tsc does not mark its output
// executable, and npm marks a bin only if it exists at install time).
import '../dist/bin.js';
