import { createTheme, type Theme } from '@mui/material/styles';
import { useMediaQuery } from '@mui/material';
import { useMemo } from 'react';
import type { ThemeSetting } from '../../shared/ipc/types.ts';

// Calm, dense admin styling. Colours are picked for WCAG AA contrast in both modes (the e2e
// axe scan checks every screen in light and dark).
export function buildTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#1f5fbf' : '#8ab4f8' },
      secondary: { main: mode === 'light' ? '#6a3fb5' : '#c3a6f5' },
      success: { main: mode === 'light' ? '#1b6e34' : '#7fd196' },
      warning: { main: mode === 'light' ? '#8a5300' : '#f5c06b' },
      error: { main: mode === 'light' ? '#b3261e' : '#f2b8b5' },
      background: mode === 'light' ? { default: '#f6f7f9', paper: '#ffffff' } : { default: '#121417', paper: '#1b1e23' },
      text: mode === 'light' ? { secondary: '#4a5260' } : { secondary: '#b8bec8' },
    },
    shape: { borderRadius: 8 },
    typography: { fontSize: 14, h1: { fontSize: '1.5rem', fontWeight: 600 }, h2: { fontSize: '1.15rem', fontWeight: 600 } },
    components: {
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiTextField: { defaultProps: { size: 'small' } },
      MuiDialog: { defaultProps: { scroll: 'paper' } },
      MuiTooltip: { defaultProps: { arrow: true } },
      // MUI's default unselected toggle text (action.active) misses WCAG AA contrast in light mode.
      MuiToggleButton: { styleOverrides: { root: ({ theme }) => ({ color: theme.palette.text.secondary }) } },
    },
  });
}

/** The theme the user chose, or the OS preference when the setting is "system". */
export function useAppTheme(setting: ThemeSetting): Theme {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const mode = setting === 'system' ? (prefersDark ? 'dark' : 'light') : setting;
  return useMemo(() => buildTheme(mode), [mode]);
}
