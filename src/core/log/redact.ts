/**
 * Known secret shapes, replaced before anything is logged or stored as text.
 * Kept conservative: a false positive costs a log line, a false negative leaks a key.
 */
const patterns: Array<[RegExp, string]> = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
  [/([?&](?:token|access_token|api_key|apikey|key)=)[^&\s"']+/gi, '$1[redacted]'],
  [/("(?:token|password|secret|apiKey|api_key|authorization)"\s*:\s*")[^"]*(")/gi, '$1[redacted]$2'],
  [/\bsk-[A-Za-z0-9_-]{16,}\b/g, 'sk-[redacted]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, 'AKIA[redacted]'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, 'gh_[redacted]'],
  [/\bxox[abpr]-[A-Za-z0-9-]{10,}\b/g, 'xox-[redacted]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]'],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}
