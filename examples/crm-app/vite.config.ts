import { defineConfig } from 'vite'

// No @vitejs/plugin-react: Vite's own transform compiles TSX with the automatic runtime, which is all a production
// build needs (the plugin adds Fast Refresh for development only).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // TanStack Query marks files "use client" for React Server Components; a client bundle can ignore that.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning)
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:5173' } },
})
