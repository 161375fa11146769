def test_the_lead_office_reply_moves_the_suggestion_to_replied(replied):
    assert replied.suggestion.status == "replied"
