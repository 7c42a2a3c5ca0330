import { createContext, useContext } from 'react';

export const SCREENS = [
  { id: 'connections', label: 'Connections' },
  { id: 'roles', label: 'Roles' },
  { id: 'credentials', label: 'Credentials' },
  { id: 'drafts', label: 'Drafts' },
  { id: 'directory', label: 'Directory' },
  { id: 'backends', label: 'Backends' },
  { id: 'access', label: 'Access checker' },
  { id: 'usage', label: 'Usage' },
  { id: 'hygiene', label: 'Hygiene' },
  { id: 'policies', label: 'Policies' },
  { id: 'audit', label: 'Audit log' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

/** Where a link takes the admin: a screen, and for list screens a search to start with. */
export interface GoOptions {
  search?: string;
}

export interface Navigation {
  screen: ScreenId;
  /** The search the current screen was opened with ('' from the sidebar or a shortcut). */
  search: string;
  go: (screen: ScreenId, options?: GoOptions) => void;
}

export const NavigationContext = createContext<Navigation>({
  screen: 'connections',
  search: '',
  go: () => undefined,
});

export function useNavigation() {
  return useContext(NavigationContext);
}
