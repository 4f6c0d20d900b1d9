export { importAnnouncement } from './import';
export type { AnnouncementImport, AnnouncementCase, AnnouncementDefect } from './import';
