import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';

// The application menu with the usual roles and shortcuts (undo/redo, cut/copy/paste, zoom,
// full screen, close/quit); developer tools only in unpackaged builds.

export function installMenu(): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as MenuItemConstructorOptions]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Keyward documentation', click: () => void shell.openExternal('https://github.com/keyward/keyward#readme') }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
