DROP INDEX survey_answers_session;
DROP TABLE survey_answers;
DROP TABLE survey_texts;
DROP TABLE session_surveys;
