/** Where the built dashboard lives: `index.html` and `assets/`. */
export declare const distDir: string;
/** Builds the dashboard into `distDir`; returns `distDir`. */
export declare function buildDashboard(): Promise<string>;
/** Builds the dashboard when a source is newer than the last build; returns the directory to serve. */
export declare function ensureDashboardBuilt(): Promise<string>;
