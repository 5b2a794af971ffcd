// A bare stand-in for genesys.wwe.service, used only to test the bridge's JS
// boundary in isolation (answers, failures, duplicates, silence). The WWE
// simulator is the faithful host; this is not it.
(() => {
  const modes = {}; // method -> "ok" | "fail" | "string" | "twice" | "never" | "throw" | "undefined"
  const data = { getCallResult: 6, getCampaigns: [{ name: "Sales" }] };
  const subscribers = new Map();
  const calls = []; // [method, ...args] of every call, in the order they arrived
  const later = (fn) => setTimeout(fn, 0);
  const outbound = new Proxy({}, {
    get: (_, method) => (...args) => {
      const failed = args.pop();
      const succeeded = args.pop();
      calls.push([method, ...args]);
      const envelope = (body) => ({ request: `outbound.${method}`, ...body, userAgent: "WWE Server", protocolVersion: 2 });
      switch (modes[method] ?? "ok") {
        case "never": return;
        case "throw": throw new Error("client exploded");
        case "fail": return later(() => failed(envelope({ errorMessage: `no ${method} for ${args[0]}` })));
        case "string": return later(() => failed("Request timeout"));
        case "undefined": return later(() => succeeded(undefined));
        case "twice":
          later(() => succeeded(envelope({ data: data[method] ?? null })));
          return later(() => succeeded(envelope({ data: 999 })));
        default: return later(() => succeeded(envelope({ data: data[method] ?? null, echo: args })));
      }
    },
  });
  window.stubService = {
    modes,
    data,
    calls,
    subscriberCount: () => subscribers.size,
    emit: (event, payload) => {
      for (const [cb, { names, ctx }] of subscribers) if (names.includes(event)) cb.call(ctx, { event, data: payload });
    },
  };
  window.genesys = { wwe: { service: {
    outbound,
    // as the vendor's client: subscribe(names, callback, context), unsubscribe(callback)
    subscribe: (names, cb, ctx) => subscribers.set(cb, { names: [names].flat(), ctx }),
    unsubscribe: (cb) => subscribers.delete(cb),
  } } };
})();
