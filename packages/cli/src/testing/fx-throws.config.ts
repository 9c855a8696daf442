// A config module that throws while loading: loadConfig must name the file.
throw new Error('TASKS_DIR is not set');
