import '@porchlight/widget/define';
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import './app.css';

const root = document.getElementById('root');
createRoot(root).render(<App room={root.dataset.room} server={root.dataset.server} />);
