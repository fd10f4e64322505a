import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';

import { createTheme, MantineProvider } from '@mantine/core';
import { setNonce } from 'get-nonce';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';

import { AppRoutes } from './routes';
import { SessionProvider } from './session/SessionContext';

// seatwise serve puts a fresh nonce in this meta element and allows style elements that
// carry it (Content-Security-Policy); the component library adds its own with it.
const nonce =
  document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? undefined;

// The scroll lock of dialogs adds a style element of its own; it takes the nonce from here.
if (nonce) setNonce(nonce);

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  focusRing: 'auto',
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} getStyleNonce={nonce ? () => nonce : undefined}>
      <Notifications position="top-right" />
      <BrowserRouter>
        <SessionProvider>
          <AppRoutes />
        </SessionProvider>
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
