// Imported first by the one-machine entry points, before any AWS SDK module loads.
// The SDK warns on Node 20 at load time; the service supports Node 20 on one machine.
process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Metrics are CloudWatch embedded-metric lines on stdout: nothing reads them on one machine.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// X-Ray tracing is off outside Lambda (Powertools Tracer turns itself off), yet loading the X-Ray
// SDK in its default automatic mode installs an async hook (cls-hooked) that runs on every promise
// created in this process, a tenth of the one-machine service's CPU for a context no one reads.
// Manual mode loads the same SDK without that hook; on AWS the functions keep automatic mode.
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
export {};
