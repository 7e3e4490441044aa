// Renderer entry: builds the API for this window (Electron bridge or browser host), the store, and mounts the app.
import './zodConfig.ts';
import { createRoot } from 'react-dom/client';
import './styles.css';
import './grid/gridSetup.ts';
import { App } from './App.tsx';
import { apiForThisWindow } from './api/apiClient.ts';
import { createAppStore } from './store/appStore.ts';
import { AppProvider } from './store/storeContext.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
const api = apiForThisWindow();
const store = createAppStore(api);
createRoot(root).render(
  <AppProvider store={store} api={api}>
    <App />
  </AppProvider>,
);
