/**
 * The dashboard's entry: take a portal token out of the address first (before any other script or
 * request could see the address), then render.
 */
import './styles.css';
import { render } from 'preact';
import { App } from './app.tsx';
import { takeTokenFromFragment } from './session.ts';

const portalToken = takeTokenFromFragment();
const root = document.getElementById('app');
if (root) render(<App portalToken={portalToken} />, root);
