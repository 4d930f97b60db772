# The organiser's own questions on the registration form.
error-question-required = Please answer this question.
error-question-not-a-choice = Choose from the answers offered.
error-question-not-number = Write a whole number.
error-question-out-of-range = This number is outside the range allowed.
error-question-too-long = This answer is too long.
questions-yes = Yes
questions-no = No
questions-optional = (optional)
