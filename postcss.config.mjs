// Tailwind CSS 4 runs as a PostCSS plugin; app/globals.css does `@import "tailwindcss"`.
export default {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};
