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

export const NavigationContext = createContext<{ screen: ScreenId; go: (screen: ScreenId) => void }>({
  screen: 'connections',
  go: () => undefined,
});

export function useNavigation() {
  return useContext(NavigationContext);
}
