// Lambda runs Node 22; the SDK's notice that it will drop Node 20 is noise in tests on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
