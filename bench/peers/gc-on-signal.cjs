/**
 * Preloaded (`node --require`) into the Node servers the peers scenario
 * measures, so their memory can be read after a garbage collection, as a
 * Waitroom gateway's is (SIGUSR2, server/main/run.ts): SIGUSR2 collects garbage.
 */
'use strict';
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => gc());
