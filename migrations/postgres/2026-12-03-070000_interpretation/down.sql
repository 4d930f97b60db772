DROP TABLE interpretation_choices;
DROP TABLE session_channels;
