/**
 * Saves generated content as a file: a Blob URL clicked through a temporary <a download>. Blob and data
 * URLs are same-origin, so downloads never touch the network (CSP `default-src 'self'` holds).
 */
function clickDownload(fileName: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  clickDownload(fileName, url);
  // Revoke after the click has been handled; revoking synchronously can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(fileName: string, text: string, mime = 'text/plain'): void {
  downloadBlob(fileName, new Blob([text], { type: `${mime};charset=utf-8` }));
}

export function downloadDataUrl(fileName: string, dataUrl: string): void {
  clickDownload(fileName, dataUrl);
}
