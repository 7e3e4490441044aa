// Vite's ambient types for the renderer: CSS side-effect imports and import.meta.env.
/// <reference types="vite/client" />
