/**
 * Starts the headless host for the end-to-end run on an empty data directory, so every run begins
 * at the first-run state. Run by playwright.config.ts's webServer.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { runServe } from '../../src/server/main';
import { HOST_DATA_DIR, HOST_PORT, HOST_TOKEN } from './env';

rmSync(HOST_DATA_DIR, { recursive: true, force: true });
mkdirSync(HOST_DATA_DIR, { recursive: true });
process.exitCode = await runServe(['--port', String(HOST_PORT), '--data-dir', HOST_DATA_DIR, '--token', HOST_TOKEN]);
