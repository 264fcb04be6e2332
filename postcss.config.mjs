// Tailwind CSS 4 runs as a PostCSS plugin; app/globals.css does `@import "tailwindcss"`.
const config = {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};

export default config;
