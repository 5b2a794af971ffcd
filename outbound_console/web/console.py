# The console's page script (outbound_console/web/console.html), run by the view
# loader (/bridge.js) with top-level await, as an integrator's view is. The REPL's
# keyboard and output handling is the page's console.js.
import js

await js.wweConsole.start()  # noqa: F704 - the loader runs page scripts with top-level await
