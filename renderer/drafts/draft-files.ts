import type { DraftFile } from '../../shared/ipc/types.ts';

/** Saves a drafts file through the browser's download, which works in Electron and the browser host. */
export function downloadFile(file: DraftFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mediaType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
