/** Authentication of the gateway's users: configuration, token verification, the development identity provider. */
export * from './authenticator.ts';
export * from './claims.ts';
export * from './config.ts';
export * from './demoUsers.ts';
export * from './devIdp.ts';
export * from './routes.ts';
