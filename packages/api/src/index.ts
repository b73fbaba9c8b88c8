export { createApp, type App } from './app.ts';
export { loadConfig, ConfigError, type Config } from './config/config.ts';
export { openDatabase, type Database, type Db } from './db/database.ts';
export { startServer, type RunningServer } from './server.ts';
export { createLogger } from './logger.ts';
