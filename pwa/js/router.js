// Hash routes to screens: "#/households/<id>/edit" -> the screen's render(main, params).

const routes = [];

/** Register a route pattern such as "/households/:id". */
export function addRoute(pattern, render) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp("^" + source + "$"), names, render });
}

/** The screen and its parameters for a hash. */
export function resolve(hash) {
  const path = decodeURIComponent(hash.replace(/^#/, "")) || "/";
  const [pathname, query = ""] = path.split("?");
  for (const route of routes) {
    const match = route.regex.exec(pathname);
    if (match) {
      const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]]));
      return { render: route.render, params: { ...params, query: new URLSearchParams(query) } };
    }
  }
  return null;
}

/** Go to a route. */
export function go(path) {
  window.location.hash = "#" + path;
}
