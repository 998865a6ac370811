/**
 * POSIX shell quoting for runbook parameters (issue 5: nothing from data is ever spliced into a
 * command unquoted). Single quotes make every character literal in sh, bash and zsh, so the only
 * character to handle is the single quote itself: close the quote, add an escaped one, reopen.
 * `x; rm -rf ~` becomes `'x; rm -rf ~'`, one argument, never a second command.
 */
export function quoteShellArg(value: string): string {
  // Plain words stay readable in the rendered command (`4`, `llm`, `prod-us-east`): characters
  // no shell treats specially, never starting with `=` (zsh expands `=cmd`), `-` or `~`.
  if (/^[A-Za-z0-9_./][A-Za-z0-9_@%+=:,./-]*$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
