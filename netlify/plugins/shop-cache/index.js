// Netlify build plugin: keep what is expensive to make between builds of the shop.
//
//   resources/_gen             Hugo's image derivatives (every photo in every size, as
//                              WebP): re-encoding them is most of a cold build.
//   /opt/build/cache/go-build  the Go build cache (GOCACHE in netlify.toml): with it,
//                              building the shop binary is a link, not a compile.
//   /opt/build/cache/go-mod    downloaded Go modules (GOMODCACHE in netlify.toml).
//
// onPreBuild restores them before the build command runs; onPostBuild saves them
// (it runs only after a successful build command, so a failed build never replaces a good cache). Uses only utils.cache, which
// Netlify Build gives every plugin, so the plugin needs no npm install.
// tools/netlify-sim.sh does the same on a development machine. See docs/checkout.md,
// "Build caching on Netlify".
module.exports = {
  async onPreBuild({ utils, inputs }) {
    for (const path of inputs.paths) {
      const ok = await utils.cache.restore(path);
      console.log(ok ? `shop-cache: restored ${path}` : `shop-cache: nothing cached yet for ${path}`);
    }
  },
  async onPostBuild({ utils, inputs }) {
    for (const path of inputs.paths) {
      const ok = await utils.cache.save(path);
      console.log(ok ? `shop-cache: saved ${path}` : `shop-cache: ${path} does not exist, not saved`);
    }
  },
};
