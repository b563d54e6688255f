DROP TABLE notifications;
DROP TABLE urgings;
DROP TABLE extension_requests;
DROP TABLE acknowledgements;
