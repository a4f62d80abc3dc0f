#!/usr/bin/env node
import { main } from '../build/src/entry/cli.js';

process.exitCode = await main(process.argv.slice(2));
