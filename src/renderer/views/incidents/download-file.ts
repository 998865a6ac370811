/**
 * Saves text as a file through the browser's download (an object URL on a temporary link): the
 * same in the console and in Electron, whose main process shows the save dialog for it.
 */
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled: revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "inc-1a2b3c4d-postmortem.md": a name that sorts beside the export and says what it is. */
export const postmortemFileName = (id: string): string => `${id.replace(/[^\w.-]+/g, '_')}-postmortem.md`;
