// Fleetdeck desktop host entry point (built to out/main/index.js, package.json "main").
// Everything lives in small modules beside this one; see desktop-app.ts for the lifecycle.
import { runDesktopApp } from './desktop-app';

void runDesktopApp();
