DROP TABLE answer_choices;
DROP TABLE question_answers;
DROP TABLE question_choices;
DROP TABLE questions;
