DROP TABLE background_task_refusals;
DROP TABLE background_tasks;
