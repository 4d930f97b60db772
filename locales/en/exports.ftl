# Exports: what each person will follow, and the session report's lines for its questions.
export-col-follows = Follows (language)
export-col-sign-language = Sign-language interpretation
export-col-captions = Captions
export-report-answered = Answered
export-report-retired = { $name } (retired)
