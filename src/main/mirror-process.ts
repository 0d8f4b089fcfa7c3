/**
 * Entry of the utility process that runs the mirror service (database, sync, scheduler, search)
 * off the main process, so a sync never stalls the windows or the tray.
 */
import { createMirrorService } from '../core/service/mirror-service';
import { parentPortChannel } from '../shared/rpc-channels';
import { serveMirrorProcess } from './serve-mirror-process';

void serveMirrorProcess(parentPortChannel(process.parentPort), createMirrorService);
