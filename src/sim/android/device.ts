/** The simulated Android phone: profile data, its answers, and loading it from fixtures. */
export * from './deviceProfile.js';
export * from './loadProfile.js';
