/**
 * A runbook of the user's own, answering error rates, that only echoes: quick and harmless. The
 * incident tests (in one process and through the built console) write it into the user's runbook
 * folder as `incident-echo.yaml`, see it suggested for an error-rate incident and run it.
 */
export const echoRunbook = `apiVersion: fleetdeck.io/v1
kind: Runbook
id: incident-echo
title: Look at the error rate
signals: [error_rate]
steps:
  - id: look
    title: Look
    command: echo looked-at-errors
    check: { exit_code: 0 }
    timeout: 30s
`;
