// The app's version as reported to the server with every push and at sign-in.
export const APP_VERSION = "0.1.0";
