import type { RfmSegmentMap } from './segment-map.js'

/**
 * The 11-segment map over all 125 R-F-M quintile codes, as reproduced in many public SQL/BI projects (usually credited
 * to Putler's RFM guide). Codes are `${R}${F}${M}` with R inverted (5 = most recent). Every code is covered once.
 */
export const RFM_SEGMENTS_11: RfmSegmentMap = {
  dimensions: 'rfm',
  bins: 5,
  segments: [
    { name: 'Champions', codes: ['555', '554', '544', '545', '454', '455', '445'] },
    { name: 'Loyal Customers', codes: ['543', '444', '435', '355', '354', '345', '344', '335'] },
    {
      name: 'Potential Loyalist',
      codes: [
        '553',
        '551',
        '552',
        '541',
        '542',
        '533',
        '532',
        '531',
        '452',
        '451',
        '442',
        '441',
        '431',
        '453',
        '433',
        '432',
        '423',
        '353',
        '352',
        '351',
        '342',
        '341',
        '333',
        '323',
      ],
    },
    { name: 'New Customers', codes: ['512', '511', '422', '421', '412', '411', '311'] },
    {
      name: 'Promising',
      codes: [
        '525',
        '524',
        '523',
        '522',
        '521',
        '515',
        '514',
        '513',
        '425',
        '424',
        '413',
        '414',
        '415',
        '315',
        '314',
        '313',
      ],
    },
    { name: 'Need Attention', codes: ['535', '534', '443', '434', '343', '334', '325', '324'] },
    { name: 'About To Sleep', codes: ['331', '321', '312', '221', '213', '231', '241', '251'] },
    {
      name: 'At Risk',
      codes: [
        '255',
        '254',
        '245',
        '244',
        '253',
        '252',
        '243',
        '242',
        '235',
        '234',
        '225',
        '224',
        '153',
        '152',
        '145',
        '143',
        '142',
        '135',
        '134',
        '133',
        '125',
        '124',
      ],
    },
    { name: "Can't Lose Them", codes: ['155', '154', '144', '214', '215', '115', '114', '113'] },
    {
      name: 'Hibernating',
      codes: ['332', '322', '233', '232', '223', '222', '132', '123', '122', '212', '211'],
    },
    { name: 'Lost', codes: ['111', '112', '121', '131', '141', '151'] },
  ],
}

/**
 * The 10-segment R/F map (R and F quintile scores only, M ignored): the regex map most public RFM notebooks use.
 * Codes are `${R}${F}`; every one of the 25 codes is covered once. It has no "Lost" segment.
 *
 * The regex map's source labels are snake_case keys (`cant_loose`, `potential_loyalists`, …). Rapport names its
 * segments with the published display names of the 125-code map ({@link RFM_SEGMENTS_11}) and of the
 * rsquaredacademy/rfm vignette, so a segment has one name in both built-in maps: `[1-2]5` is "Can't Lose Them" and
 * `[4-5][2-3]` is "Potential Loyalist". The codes are the regex map's, unchanged.
 */
export const RF_SEGMENTS_10: RfmSegmentMap = {
  dimensions: 'rf',
  bins: 5,
  segments: [
    { name: 'Hibernating', codes: ['[1-2][1-2]'] },
    { name: 'At Risk', codes: ['[1-2][3-4]'] },
    { name: "Can't Lose Them", codes: ['[1-2]5'] },
    { name: 'About To Sleep', codes: ['3[1-2]'] },
    { name: 'Need Attention', codes: ['33'] },
    { name: 'Loyal Customers', codes: ['[3-4][4-5]'] },
    { name: 'Promising', codes: ['41'] },
    { name: 'New Customers', codes: ['51'] },
    { name: 'Potential Loyalist', codes: ['[4-5][2-3]'] },
    { name: 'Champions', codes: ['5[4-5]'] },
  ],
}
